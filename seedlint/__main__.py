from seedlint.cli import main

main()
