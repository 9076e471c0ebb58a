"""Reading and cutting text: decoding (textio), language (langid), CJK ranges (cjk), sentences (segment), documents."""
