"""`python -m qa …` runs the command line, as `qa …` does."""

from qa.cli import main

if __name__ == "__main__":
    main()
