from .cli import main

if __name__ == "__main__":  # not when a training process (spawn) imports it
    raise SystemExit(main())
