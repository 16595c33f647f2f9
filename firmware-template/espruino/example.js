/* MODEL_NAME-example.js: a small app for the MODEL_NAME module; upload MODEL_NAME.js (and its weights)
 * first. At start it classifies a test image and prints the digit, the logits and the time; on a
 * Bangle.js 2 you can then draw a digit on the screen with a finger, and it shows which digit it
 * sees a second after you lift the finger. Hand-written (firmware-template/espruino/example.js);
 * fixnet fills in the module name and the image. */

/* SAMPLE_DESCRIPTION, label SAMPLE_LABEL: 28x28 bytes, row by row, 0 = background. */
var exampleImage = new Uint8Array(E.toArrayBuffer(atob("SAMPLE_BASE64")));

/* Classifies 784 pixels, prints the result and the time it took; returns { digit, logits }. */
function exampleClassify(pixels) {
  var start = getTime();
  var result = MODEL_NAME.predict(pixels);
  var milliseconds = (getTime() - start) * 1000;
  print("MODEL_NAME: digit " + result.digit + " in " + milliseconds.toFixed(1) + " ms (logits " + result.logits.join(" ") + ")");
  return result;
}

/* Strokes drawn on a screen (each an array x0, y0, x1, y1, ... in screen pixels) as an MNIST-style
 * image: like MNIST's own preprocessing, the drawing is scaled to fit a 20x20 box, keeping its
 * aspect ratio, and centred in the 28x28 frame; lines are drawn about 2 pixels wide at full ink. */
function exampleStrokesToPixels(strokes) {
  var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  strokes.forEach(function (stroke) {
    for (var k = 0; k < stroke.length; k += 2) {
      minX = Math.min(minX, stroke[k]); maxX = Math.max(maxX, stroke[k]);
      minY = Math.min(minY, stroke[k + 1]); maxY = Math.max(maxY, stroke[k + 1]);
    }
  });
  var image = Graphics.createArrayBuffer(28, 28, 8);
  if (minX === Infinity) return new Uint8Array(image.buffer);
  var scale = 19 / Math.max(maxX - minX, maxY - minY, 1);
  /* Centre 13.5, not 14: the pen is 2 pixels wide, drawn right of and below each point. */
  var offsetX = 13.5 - scale * (minX + maxX) / 2, offsetY = 13.5 - scale * (minY + maxY) / 2;
  image.setColor(255);
  strokes.forEach(function (stroke) {
    for (var k = 0; k < stroke.length; k += 2) {
      var x1 = Math.round(offsetX + scale * stroke[k]), y1 = Math.round(offsetY + scale * stroke[k + 1]);
      var x0 = k >= 2 ? Math.round(offsetX + scale * stroke[k - 2]) : x1, y0 = k >= 2 ? Math.round(offsetY + scale * stroke[k - 1]) : y1;
      image.drawLine(x0, y0, x1, y1).drawLine(x0 + 1, y0, x1 + 1, y1).drawLine(x0, y0 + 1, x1, y1 + 1).drawLine(x0 + 1, y0 + 1, x1 + 1, y1 + 1);
    }
  });
  return new Uint8Array(image.buffer);
}

exampleClassify(exampleImage); /* a good model prints digit SAMPLE_LABEL */

if (typeof Bangle !== "undefined" && typeof g !== "undefined") {
  var exampleStrokes = [];
  var exampleTimeout;
  g.clear();
  g.setFont("6x8", 2).setFontAlign(0, 0).drawString("draw a digit", g.getWidth() / 2, g.getHeight() / 2);
  Bangle.on("drag", function (event) {
    if (exampleTimeout) clearTimeout(exampleTimeout);
    exampleTimeout = undefined;
    if (event.b) {
      if (exampleStrokes.length === 0) g.clear();
      var stroke = exampleStrokes[exampleStrokes.length - 1];
      if (!stroke || stroke.ended) exampleStrokes.push(stroke = []);
      if (stroke.length >= 2) g.drawLine(stroke[stroke.length - 2], stroke[stroke.length - 1], event.x, event.y);
      stroke.push(event.x, event.y);
      return;
    }
    if (exampleStrokes.length > 0) exampleStrokes[exampleStrokes.length - 1].ended = true;
    exampleTimeout = setTimeout(function () {
      var result = exampleClassify(exampleStrokesToPixels(exampleStrokes));
      exampleStrokes = [];
      g.setFont("6x8", 6).setFontAlign(1, -1).drawString(String(result.digit), g.getWidth() - 4, 4);
    }, 1000);
  });
}
