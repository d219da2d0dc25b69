"""What only training needs: the generated corpus, the training run and its evaluation.

Nothing the app runs imports this package (``tests/test_layout_training.py`` checks it);
training imports ``models`` for the network, the tokenizer and the checkpoint format.
"""
