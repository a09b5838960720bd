// How the engine's numbers read on screen: money in the model's currency, hours as hours or
// days, probabilities as percentages. Formatting only; every value comes from the engine.

const formatters = new Map<string, Intl.NumberFormat | null>();

/**
 * A number format, made once: making one costs far more than using it, and a panel of a
 * large tree formats hundreds of sums. Null for a currency code the platform does not know.
 */
function formatter(currency: string | null, fractionDigits: number): Intl.NumberFormat | null {
  const key = `${currency ?? ""}/${fractionDigits}`;
  if (!formatters.has(key)) {
    try {
      const style: Intl.NumberFormatOptions = currency ? { style: "currency", currency } : {};
      formatters.set(key, new Intl.NumberFormat(undefined, { ...style, maximumFractionDigits: fractionDigits }));
    } catch {
      formatters.set(key, null);
    }
  }
  return formatters.get(key) ?? null;
}

/** "€1,200" in the model's currency; a plain number when the currency is not an ISO code. */
export function money(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined) return "—";
  const code = currency.trim().toUpperCase();
  const inCurrency = /^[A-Z]{3}$/.test(code) ? formatter(code, value % 1 === 0 ? 0 : 2) : null;
  return (inCurrency ?? formatter(null, 2))?.format(value) ?? String(value);
}

/** "45 min", "6 h", "3 days". */
export function duration(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return "—";
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${+hours.toFixed(1)} h`;
  return `${+(hours / 24).toFixed(1)} days`;
}

/** Plain words for a presentation: "6 hours", "3 days". */
export function durationWords(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return "an unknown time";
  if (hours < 1) return `${Math.round(hours * 60)} minutes`;
  if (hours < 48) return `${+hours.toFixed(1)} ${hours === 1 ? "hour" : "hours"}`;
  return `${+(hours / 24).toFixed(1)} days`;
}

/** "30%", "0.5%". */
export function percent(p: number | null | undefined): string {
  if (p === null || p === undefined) return "—";
  const pct = p * 100;
  return `${pct >= 10 || pct === 0 ? Math.round(pct) : +pct.toPrecision(2)}%`;
}

/** A number typed into a field: empty is "unknown" (null), anything else must parse. */
export function parseNumber(text: string): number | null | undefined {
  const t = text.trim().replace(",", ".");
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
