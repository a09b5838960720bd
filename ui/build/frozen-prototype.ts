// Tauri freezes Object.prototype in the webview (app.security.freezePrototype). Code that
// then *assigns* a property that Object.prototype already has, such as `constructor`,
// throws in strict mode ("Cannot assign to read only property 'constructor'").
//
// d3-color, which React Flow loads through d3-zoom, does exactly that in its `define`
// helper, so the whole UI would fail to start. This transform makes that one statement
// define the property instead, which behaves the same with or without the freeze.

const TARGET = /[\\/]d3-color[\\/].*\.m?js$/;
const ASSIGNMENT = "prototype.constructor = constructor;";
const DEFINITION =
  'Object.defineProperty(prototype, "constructor", { value: constructor, writable: true, enumerable: true, configurable: true });';

export function frozenPrototypeSafe() {
  return {
    name: "rampart:frozen-prototype-safe",
    transform(code: string, id: string) {
      if (!TARGET.test(id) || !code.includes(ASSIGNMENT)) return null;
      return { code: code.split(ASSIGNMENT).join(DEFINITION), map: null };
    },
  };
}
