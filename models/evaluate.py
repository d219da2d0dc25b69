"""Entry point only: the documented `python -m models.evaluate` runs training/evaluate.py."""

import sys

if __name__ == "__main__":
    # Imported here, not above: the app imports models/, and nothing it runs may load training/.
    from training.evaluate import main

    sys.exit(main(prog="python -m models.evaluate"))
