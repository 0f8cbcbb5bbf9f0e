"""Uploads: user images checked and normalized before they reach the model."""
