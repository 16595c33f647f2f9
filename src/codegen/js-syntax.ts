// Small pure helpers for JavaScript source text sent to Espruino. They know nothing about models.

/**
 * The code without its comments, indentation and blank lines: what is worth sending over a
 * slow link (an Espruino stores and re-reads the text of every function it is given).
 * String literals ('...', "...", with escapes) are kept as they are. Meant for fixnet's own
 * runtime and generated modules, which hold no regular-expression literals (a regex containing
 * "/*" or "//" would be cut) and no template literals.
 */
export function compactJavaScript(text: string): string {
  let out = "";
  let k = 0;
  while (k < text.length) {
    const character = text[k];
    if (character === '"' || character === "'") {
      let end = k + 1;
      while (end < text.length && text[end] !== character && text[end] !== "\n") end += text[end] === "\\" ? 2 : 1;
      out += text.slice(k, end + 1);
      k = end + 1;
    } else if (character === "/" && text[k + 1] === "*") {
      const end = text.indexOf("*/", k + 2);
      k = end < 0 ? text.length : end + 2;
      out += " ";
    } else if (character === "/" && text[k + 1] === "/") {
      while (k < text.length && text[k] !== "\n") k++;
    } else {
      out += character;
      k++;
    }
  }
  return out.split("\n").map((line) => line.trim()).filter((line) => line !== "").join("\n") + "\n";
}
