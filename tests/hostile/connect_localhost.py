# attack: connecting to 127.0.0.1 ports 47600-47699 (the test listens on one of them) to send
#   a fake result, over TCP and UDP
# expect: no network in the sandbox (new network namespace): the listener receives nothing; zero
# exercise: numpy_rnn
import socket

reached = []
for port in range(47600, 47700):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b'{"score": 58}\n')
            reached.append(port)
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b'{"score": 58}\n', ("127.0.0.1", port))
    except OSError:
        pass
print("reached", reached)


def init_rnn_params(*args, **kwargs):
    raise NotImplementedError


rnn_cell_step = rnn_forward = rnn_weights_from_torch = init_rnn_params
