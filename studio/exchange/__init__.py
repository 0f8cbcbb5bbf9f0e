"""Moving a gallery in and out: the ZIP and HTML export, the checked import, the CLI."""
