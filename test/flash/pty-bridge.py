# A serial port in front of a TCP board: opens a pseudo-terminal, prints the path of its terminal
# side, then relays bytes both ways, unchanged, between the pseudo-terminal and a TCP connection
# (the Espruino Linux interpreter's telnet port), so that a tool that opens the printed path
# talks to the board as over a serial cable. Like a UART, it carries bytes toward the board no
# faster than the line speed the tool set on the terminal (10 bits a byte), and prints
# "baud N" whenever it finds a new speed set. For testing fixnet's serial path only: it is no
# terminal server and speaks no telnet. Exits when either side closes.
# Usage: python3 pty-bridge.py HOST PORT
import os, pty, select, socket, sys, termios, time, tty

# Speed constants (termios.B115200, ...) to bits a second.
SPEEDS = {getattr(termios, name): int(name[1:]) for name in dir(termios) if name[0] == "B" and name[1:].isdigit()}
DEFAULT_BAUD = 115200  # for a speed with no constant (a custom rate)
PIECE = 16  # bytes sent at once: about 1.4 ms of line time at 115200 baud

host, port = sys.argv[1], int(sys.argv[2])
board = socket.create_connection((host, port))
board.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
# The terminal side stays open here too, so that the pseudo-terminal outlives each program that
# opens and closes it (as a serial device outlives the programs that use it).
master, terminal = pty.openpty()
tty.setraw(terminal)  # no echo, no line editing: a byte in is a byte out
print(os.ttyname(terminal), flush=True)

reported = None
toward_board = b""  # read from the terminal, not yet on the line
line_free_at = 0.0  # time.monotonic() when the line has carried the bytes sent so far
while True:
    # Reading from the terminal waits while bytes are queued for the line, so that a tool that
    # writes faster than the line carries waits in its writes, as it would on a UART.
    waiting = [board] if toward_board else [board, master]
    timeout = max(0.0, line_free_at - time.monotonic()) if toward_board else None
    ready, _, _ = select.select(waiting, [], [], timeout)
    if master in ready:
        data = os.read(master, 4096)
        if not data:
            break
        toward_board += data
    if board in ready:
        data = board.recv(4096)
        if not data:
            break
        os.write(master, data)
    now = time.monotonic()
    if toward_board and now >= line_free_at:
        baud = SPEEDS.get(termios.tcgetattr(terminal)[5], DEFAULT_BAUD)
        if baud != reported:
            print(f"baud {baud}", flush=True)
            reported = baud
        piece, toward_board = toward_board[:PIECE], toward_board[PIECE:]
        board.sendall(piece)
        line_free_at = max(line_free_at, now) + len(piece) * 10 / baud
