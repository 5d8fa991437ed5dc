# Put on PYTHONPATH by tests/test_offline.py: every socket a CodeDesk process tries to
# open raises, so any attempt to use the network fails loudly.
import socket


class _NoNetwork(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("CodeDesk must never use the network (blocked by the test)")


socket.socket = _NoNetwork
socket.create_connection = lambda *a, **k: (_ for _ in ()).throw(
    OSError("CodeDesk must never use the network (blocked by the test)"))
