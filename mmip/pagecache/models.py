# No models: this module exists so that migrate sends this app its post_migrate signal,
# which puts the generation triggers on the record's tables (apps.py).
