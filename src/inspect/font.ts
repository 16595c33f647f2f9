// A 3×5 pixel bitmap font for the short labels inside PNG pictures (digits, percentages, a few
// words), drawn enlarged. Just enough to label a tile; pages and charts use real text (HTML/SVG).

import { fillRect, type Rgb, type RgbaImage } from "./image.ts";

const GLYPH_WIDTH = 3;
const GLYPH_HEIGHT = 5;

/** Each glyph: 5 rows of 3 columns, "#" = ink. Lower case is drawn as upper case. */
const GLYPHS: Readonly<Record<string, string>> = {
  "0": "### #.# #.# #.# ###",
  "1": ".#. ##. .#. .#. ###",
  "2": "### ..# ### #.. ###",
  "3": "### ..# .## ..# ###",
  "4": "#.# #.# ### ..# ..#",
  "5": "### #.. ### ..# ###",
  "6": "### #.. ### #.# ###",
  "7": "### ..# .#. .#. .#.",
  "8": "### #.# ### #.# ###",
  "9": "### #.# ### ..# ###",
  "A": ".#. #.# ### #.# #.#",
  "B": "##. #.# ##. #.# ##.",
  "C": ".## #.. #.. #.. .##",
  "D": "##. #.# #.# #.# ##.",
  "E": "### #.. ##. #.. ###",
  "F": "### #.. ##. #.. #..",
  "G": ".## #.. #.# #.# .##",
  "H": "#.# #.# ### #.# #.#",
  "I": "### .#. .#. .#. ###",
  "J": "..# ..# ..# #.# .#.",
  "K": "#.# #.# ##. #.# #.#",
  "L": "#.. #.. #.. #.. ###",
  "M": "#.# ### ### #.# #.#",
  "N": "##. #.# #.# #.# #.#",
  "O": ".#. #.# #.# #.# .#.",
  "P": "##. #.# ##. #.. #..",
  "Q": ".#. #.# #.# ##. .##",
  "R": "##. #.# ##. #.# #.#",
  "S": ".## #.. .#. ..# ##.",
  "T": "### .#. .#. .#. .#.",
  "U": "#.# #.# #.# #.# ###",
  "V": "#.# #.# #.# #.# .#.",
  "W": "#.# #.# ### ### #.#",
  "X": "#.# #.# .#. #.# #.#",
  "Y": "#.# #.# .#. .#. .#.",
  "Z": "### ..# .#. #.. ###",
  " ": "... ... ... ... ...",
  ".": "... ... ... ... .#.",
  ":": "... .#. ... .#. ...",
  "%": "#.# ..# .#. #.. #.#",
  ">": "#.. .#. ..# .#. #..",
  "<": "..# .#. #.. .#. ..#",
  "-": "... ... ### ... ...",
  "+": "... .#. ### .#. ...",
  "#": "#.# ### #.# ### #.#",
  "=": "... ### ... ### ...",
  "/": "..# ..# .#. #.. #..",
  "?": "### ..# .## ... .#.",
};

/** Width in pixels of text drawn at the given scale (one blank column between glyphs). */
export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * (GLYPH_WIDTH + 1) - 1) * scale;
}

export function textHeight(scale: number): number {
  return GLYPH_HEIGHT * scale;
}

/** Draws text with its top left corner at (x, y); characters without a glyph draw as "?". */
export function drawText(image: RgbaImage, text: string, x: number, y: number, scale: number, colour: Rgb): void {
  let left = x;
  for (const character of text.toUpperCase()) {
    const rows = (GLYPHS[character] ?? GLYPHS["?"]).split(" ");
    rows.forEach((row, r) => {
      for (let c = 0; c < GLYPH_WIDTH; c++) if (row[c] === "#") fillRect(image, left + c * scale, y + r * scale, scale, scale, colour);
    });
    left += (GLYPH_WIDTH + 1) * scale;
  }
}
