"""Running untrusted student code in sandboxed child processes.

zygote.py   a warm process (numpy and torch imported once) that forks one sandbox per submission
isolation.py  what a sandbox does to itself before student code runs (namespaces, limits, user)
child.py    the sandbox's loop: run the submission's cells, then answer calls
process.py  the trusted side of one sandbox: send requests, enforce timeouts, kill
wire.py     the only format crossing the boundary: JSON plus raw array bytes, never pickle
"""
