"""Data for the explorer: tokenizer and features, BBC headlines, the negation toy, 2-D toy sets, GloVe."""
from .errors import DataError
from .glove import glove_available, glove_matrix, load_glove
from .headlines import (
    TextDataset,
    corpus_dir,
    load_articles,
    load_headlines,
    negation_dataset,
    stratified_split,
)
from .prepare import DATASET_LIMITS, DEFAULT_SPECS, PreparedData, normalize_spec, prepare
from .text import (
    PAD,
    PAD_ID,
    UNK,
    UNK_ID,
    Vocabulary,
    bag_of_bigrams,
    bag_of_words,
    bigram_bucket,
    bigram_names,
    encode_batch,
    tokenize,
)
from .toy import TOY_CLASS_NAMES, TOY_SETS, blobs3, circles, moons, spirals, xor

__all__ = [
    "DataError", "glove_available", "glove_matrix", "load_glove",
    "TextDataset", "corpus_dir", "load_articles", "load_headlines", "negation_dataset", "stratified_split",
    "DATASET_LIMITS", "DEFAULT_SPECS", "PreparedData", "normalize_spec", "prepare",
    "PAD", "PAD_ID", "UNK", "UNK_ID", "Vocabulary", "bag_of_bigrams", "bag_of_words", "bigram_bucket",
    "bigram_names", "encode_batch", "tokenize",
    "TOY_CLASS_NAMES", "TOY_SETS", "blobs3", "circles", "moons", "spirals", "xor",
]
