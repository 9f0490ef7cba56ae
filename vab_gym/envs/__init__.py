"""The five environments, one package each."""
