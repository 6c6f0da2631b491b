module smtpbench

go 1.19
