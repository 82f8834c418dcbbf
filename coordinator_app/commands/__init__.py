"""The command line: one module per area of commands, the parser (parser.py) and what they share (arguments.py)."""
