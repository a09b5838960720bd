import { describe, expect, it } from "vitest";

import { money } from "./format";

describe("money", () => {
  it("reads in the model's currency, cents only when there are some", () => {
    expect(money(1200, "EUR")).toMatch(/€\s?1,200$/);
    expect(money(1200.5, "eur")).toMatch(/€\s?1,200\.50$/);
    // The same format again (kept from the first call) gives the same text.
    expect(money(1200, "EUR")).toBe(money(1200, "EUR"));
  });

  it("is a plain number for a currency that is not an ISO code, and a dash when unknown", () => {
    expect(money(3.25, "points")).toBe("3.25");
    expect(money(null, "EUR")).toBe("—");
  });
});
