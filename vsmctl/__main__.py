from vsmctl.commands import main

main()
