"""Talking to Gemini: clients (Gemini or offline), requests, calls, results, messages, catalog."""
