module slmgen.test/ollamatemplate

go 1.19
