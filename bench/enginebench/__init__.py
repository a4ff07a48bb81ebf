"""The engine benchmark's parts (bench/engine.py): the reclamo path, the modes, measuring, reporting."""
