# TCPClient.py - the lecture's TCP client (Python 3 form), unchanged except
# that the server's name, port and the sentence may come from the command line:
#   python3 TCPClient.py [HOST [PORT [SENTENCE]]]
import sys
from socket import *

serverName = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
serverPort = int(sys.argv[2]) if len(sys.argv) > 2 else 12000
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.connect((serverName, serverPort))
sentence = sys.argv[3] if len(sys.argv) > 3 else input('Input lowercase sentence:')
clientSocket.send(sentence.encode())
modifiedSentence = clientSocket.recv(2048)
print(modifiedSentence.decode())
clientSocket.close()
