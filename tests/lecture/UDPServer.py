# UDPServer.py - the lecture's UDP server (Python 3 form), unchanged except
# that the port may come from the command line (0 picks a free one) and the
# ready line names the port:   python3 UDPServer.py [PORT]
import sys
from socket import *

serverPort = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
serverSocket = socket(AF_INET, SOCK_DGRAM)
serverSocket.bind(("", serverPort))
print('The server is ready to receive on port', serverSocket.getsockname()[1], flush=True)
while True:
    clientMessage, clientAddress = serverSocket.recvfrom(2048)
    modifiedMessage = clientMessage.decode().upper()
    serverSocket.sendto(modifiedMessage.encode(), clientAddress)
