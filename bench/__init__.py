"""The benchmark's data and commands (``bin/bench``): seeders and measuring commands, no models.

The bench may import the domain apps and the shared platform; nothing imports the bench.
"""
