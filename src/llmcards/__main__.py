from llmcards.cli.main import entry

entry()
