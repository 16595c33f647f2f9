// fixnet on an Arduino: classifies 28x28 images received over the serial port with the int8
// network fixnet generated (mnist_model.h, data in flash) and the fixnet runtime (fixnet.c,
// fixnet.h, fixnet_avr.S), all copied into this sketch folder (see README.md).
//
// Send 784 raw pixel bytes (0..255, row by row); the sketch answers
//   digit <d>  logits <l0> ... <l9>  <microseconds> us
// Works on AVR boards (weights in PROGMEM) and on 32-bit boards alike.

#include "mnist_model.h"

static uint8_t pixels[MNIST_INPUTS];
static int32_t scratch[MNIST_SCRATCH_WORDS];
static int8_t logits[MNIST_CLASSES];
static uint16_t received = 0;

void setup() {
  Serial.begin(115200);
  Serial.println(F("fixnet: send 784 pixel bytes"));
}

void loop() {
  while (Serial.available() > 0 && received < MNIST_INPUTS) {
    pixels[received++] = (uint8_t)Serial.read();
  }
  if (received < MNIST_INPUTS) {
    return;
  }
  received = 0;

  const unsigned long started = micros();
  const int digit = fixnet_predict(&mnist_model, pixels, logits, scratch, MNIST_SCRATCH_WORDS);
  const unsigned long elapsed = micros() - started;

  if (digit < 0) {
    Serial.print(F("fixnet error "));
    Serial.println(digit);
    return;
  }
  Serial.print(F("digit "));
  Serial.print(digit);
  Serial.print(F("  logits"));
  for (int k = 0; k < MNIST_CLASSES; k++) {
    Serial.print(' ');
    Serial.print(logits[k]);
  }
  Serial.print(F("  "));
  Serial.print(elapsed);
  Serial.println(F(" us"));
}
