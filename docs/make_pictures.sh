#!/usr/bin/env bash
# Regenerate the pictures of docs/teaching-guide.md and the README (docs/img/) with the render command.
# Run from the project's root:  bash docs/make_pictures.sh
# Every picture is one `python main.py render ...` line: copy a line to make your own slide.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
G=assets/graphs
OUT=docs/img
# Values, gradients and labels need a little more room than the editing layout gives, so the
# nodes are spread apart a little (in memory only: the files do not change).
SPREAD=${SPREAD:-1.1,1.1}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
r() { "$PY" main.py render "$@" --spread "$SPREAD"; }

# the running example: a headline goes to Sports / Politics / Business
r $G/headline_classifier.json --out $OUT/headline_graph.png --scale 1.2
r $G/headline_classifier.json --out $OUT/headline_forward.png --step forward --scale 1.2
# a neuron a = σ(θᵀx)
r $G/neuron.json --out $OUT/neuron_forward.png --step forward --scale 1.5
r $G/neuron.json --out $OUT/neuron_backward.png --step backward --scale 1.5
# the chain rule on log(w·x): forward, the first backward edge, the whole backward pass, one SGD step
r $G/chain_rule.json --out $OUT/chain_forward.png --step forward --scale 1.5
r $G/chain_rule.json --out $OUT/chain_first_edge.png --step 5 --scale 1.5
r $G/chain_rule.json --out $OUT/chain_backward.png --step backward --scale 1.5
r $G/chain_rule.json --out $OUT/chain_projector.png --step backward --theme projector --scale 1
r $G/chain_rule.json --out $OUT/chain_sgd.png --step end --lr 0.1 --scale 1.5
# the slides' MLP a = σ(Wx), b = σ(Va), c = σ(θᵀb)
r $G/mlp.json --out $OUT/mlp_forward.png --step forward --scale 1
r $G/mlp.json --out $OUT/mlp_backward.png --step backward --scale 1
r $G/mlp.json --out $OUT/mlp_edge.png --step 19 --crop a,V,Va,b --scale 1.5
# "can the MLP learn this?": bigram features and a hidden layer
r $G/bigrams_unigram_fails.json --out $OUT/bigrams_unigram.png --scale 1
r $G/bigrams_hidden_layer.json --out $OUT/bigrams_hidden.png --scale 1
# the text CNN: which bigram won the max over time, and that only it gets gradient
r $G/text_cnn.json --out $OUT/cnn_forward.png --step forward --scale 0.8
r $G/text_cnn.json --out $OUT/cnn_maxpool.png --step 9 --crop "zᵢ,aᵢ,a,U,Ua" --scale 1.2
r $G/text_cnn.json --out $OUT/cnn_backward.png --step 24 --crop "zᵢ,aᵢ,a,U,Ua" --scale 1.2
# the app itself: explain mode (README), the wiggle check, presentation mode
"$PY" -m graphviz_app.screenshots $OUT --spread "$SPREAD"
