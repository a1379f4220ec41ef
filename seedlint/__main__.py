from seedlint.entry import main

main()
