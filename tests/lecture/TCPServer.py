# TCPServer.py - the lecture's TCP server (Python 3 form), unchanged except
# that the port may come from the command line (0 picks a free one) and the
# ready line names the port:   python3 TCPServer.py [PORT]
import sys
from socket import *

serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
serverSocket = socket(AF_INET, SOCK_STREAM)
serverSocket.bind(("", serverPort))
serverSocket.listen(1)
print('The server is ready to receive on port', serverSocket.getsockname()[1], flush=True)
while True:
    connectionSocket, clientAddress = serverSocket.accept()
    modifiedMessage = connectionSocket.recv(2048).decode().upper()
    connectionSocket.send(modifiedMessage.encode())
    connectionSocket.close()
