Hello World in Brainfuck: each character is made from the previous one
with a small multiplication loop (an innermost loop: compiled)
>++++++++[<+++++++++>-]<.>+++++[<+++++>-]<++++.+++++++..+++.>++++++++[<-
------->-]<---.>+++[<---->-]<.>+++++++[<+++++++>-]<++++++.>++++[<++++++>
-]<.+++.------.--------.>++++++++[<-------->-]<---.>++++[<----->-]<---.
