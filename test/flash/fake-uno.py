# A stand-in for an Arduino Uno running fixnet's AVR firmware, on a pseudo-terminal: prints the
# terminal's path, then speaks the firmware's protocol (firmware-template/avr/main.c) with the
# answer lines given in a file, one per image. For testing fixnet's serial plumbing only; the
# firmware itself is tested on simavr. Usage: python3 fake-uno.py ANSWERS
import os, pty, sys, time

answers = open(sys.argv[1]).read().splitlines()
master, slave = pty.openpty()  # the slave stays open here, so the terminal outlives Node's use
print(os.ttyname(slave), flush=True)

def read_exactly(length):
    data = b""
    while len(data) < length:
        data += os.read(master, length - len(data))
    return data

count = int.from_bytes(read_exactly(2), "little")
for n in range(count):
    read_exactly(784)
    if n >= len(answers):  # a board that stops answering
        time.sleep(30)
        sys.exit(0)
    os.write(master, (answers[n] + "\n").encode())
os.write(master, ("done %d stack 123\n" % count).encode())
time.sleep(5)
