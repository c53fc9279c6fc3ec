# UDPClient.py - the lecture's UDP client (Python 3 form), unchanged except
# that the server's name, port and the message may come from the command line:
#   python3 UDPClient.py [HOST [PORT [MESSAGE]]]
import sys
from socket import *

serverName = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
serverPort = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
clientSocket = socket(AF_INET, SOCK_DGRAM)
message = sys.argv[3] if len(sys.argv) > 3 else input("Enter a message: ")
clientSocket.sendto(message.encode(), (serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
