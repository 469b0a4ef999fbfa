from llmcards.cli.main import run

run()
