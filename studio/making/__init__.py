"""Making things on the pages: prompts, chats and their turns, variants, keeping answers."""
