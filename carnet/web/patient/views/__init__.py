"""The patient space, one module per domain: views parse, call one service, render."""
