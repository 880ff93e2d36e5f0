"""Train the token-classification model: windows in, a saved checkpoint and held-out metrics out.

The loop follows Hugging Face's ``run_ner.py`` without the Trainer: build the tokenizer and the label
set, turn examples into windows with aligned labels, train with AdamW and a linear schedule, evaluate
with seqeval, save with ``save_pretrained`` (safetensors).  A model is either trained from scratch from a
small ``BertConfig`` built here, or fine-tuned from a local checkpoint (``base_model``), whose own
tokenizer is then used (with new tokens for the layout characters it lacks, ``training.vocabulary``).  Nothing is fetched from a hub.
"""
from __future__ import annotations

import json
import math
import random
import time
from collections import defaultdict
from pathlib import Path

import torch
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from torch.utils.data import DataLoader
from transformers import (AutoConfig, AutoModelForTokenClassification, AutoTokenizer, BertConfig, BertForTokenClassification,
                          DataCollatorForTokenClassification, set_seed)

from model.inference import Labeller
from model.labels import OUTSIDE, is_field_tag, label_groups, label_list, scheme_of
from model.tokenizer import build_bpe_tokenizer, build_char_tokenizer
from training.features import IGNORED, char_tags, example_document, example_features, token_tags
from training.vocabulary import add_look_alike_tokens, new_token_ids

# The shipped model: small enough to train in under half an hour on two CPU cores and to label ten
# reports a second, with 512 positions so a window spans a whole table block.  Two layers label twice as
# fast as four and, trained as long, are as accurate in the hybrid parser (model/README.md).
SMALL_CONFIG = {
    "hidden_size": 192,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 768,
    "max_position_embeddings": 512,
    "type_vocab_size": 1,
    # Generated data is unlimited and a run sees each report about once: the model underfits, so
    # dropout only slows it down.
    "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0,
}
# Value tokens (about a tenth of all tokens) carry the hard part, the field key; O and structure tags
# are learnt in the first minutes.  Their loss weighs this much more.
FIELD_WEIGHT = 4.0


def sinusoidal_positions(length: int, width: int) -> torch.Tensor:
    """The fixed position encodings of "Attention is all you need", used to initialise learned ones.

    From random position embeddings a small model trained for minutes barely learns "the number three
    cells after this row label"; sinusoids make relative offsets linear from the first step.
    """
    position = torch.arange(length, dtype=torch.float32)[:, None]
    frequency = torch.exp(torch.arange(0, width, 2, dtype=torch.float32) * (-math.log(10000.0) / width))
    table = torch.zeros(length, width)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency[: width // 2])
    return table


def build_model(tokenizer, labels: list[str], base_model: str | None = None, config_overrides: dict | None = None):
    """A token-classification model over ``labels``: fine-tuned from ``base_model`` or a fresh small BERT."""
    id2label = dict(enumerate(labels))
    label2id = {label: index for index, label in id2label.items()}
    if base_model:
        return AutoModelForTokenClassification.from_pretrained(
            base_model, num_labels=len(labels), id2label=id2label, label2id=label2id,
            ignore_mismatched_sizes=True, local_files_only=True, use_safetensors=True)
    config = BertConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id, num_labels=len(labels),
                        id2label=id2label, label2id=label2id, **{**SMALL_CONFIG, **(config_overrides or {})})
    model = BertForTokenClassification(config)
    with torch.no_grad():
        positions = model.bert.embeddings.position_embeddings.weight
        positions.copy_(sinusoidal_positions(*positions.shape) * positions.std())
    return model


def grouped_loss(logits: torch.Tensor, labels: torch.Tensor, groups: list[torch.Tensor],
                 weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on the labels plus, for each grouping, the negative log probability of the right group.

    ``groups[g][label]`` is the group of each label; a group's probability is the sum of its labels'.
    Each token's terms weigh ``weights[label]``.
    """
    keep = labels != IGNORED
    log_probs = logits[keep].log_softmax(-1)
    targets = labels[keep]
    token_weights = weights[targets] / weights[targets].sum()
    loss = -(log_probs.gather(1, targets[:, None])[:, 0] * token_weights).sum()
    for group_of in groups:
        same_group = group_of[None, :] == group_of[targets][:, None]
        loss = loss - (log_probs.masked_fill(~same_group, -math.inf).logsumexp(-1) * token_weights).sum()
    return loss


def evaluate(labeller: Labeller, examples: list[dict]) -> dict:
    """Token-level seqeval precision/recall/F1 of whole-report predictions (windows merged as in inference)."""
    gold_sequences, predicted_sequences = [], []
    for example in examples:
        doc, spans = example_document(example)
        predictions = labeller.predict_tokens(doc.norm)
        gold = token_tags(predictions.offsets, char_tags(len(doc.norm), spans, scheme_of(labeller.id2label.values())))
        gold_sequences.append(gold)
        predicted_sequences.append([labeller.id2label[int(i)] for i in predictions.label_ids])
    report = classification_report(gold_sequences, predicted_sequences, output_dict=True, zero_division=0)
    return {
        "precision": precision_score(gold_sequences, predicted_sequences, zero_division=0),
        "recall": recall_score(gold_sequences, predicted_sequences, zero_division=0),
        "f1": f1_score(gold_sequences, predicted_sequences, zero_division=0),
        "structure_f1": {tag: report[tag]["f1-score"] for tag in ("ROW", "COL", "SEC", "NOISE") if tag in report},
        "reports": len(examples),
    }


def evaluate_by_style(labeller: Labeller, examples: list[dict]) -> dict:
    """``evaluate`` on all examples, then on each layout style separately."""
    by_style = defaultdict(list)
    for example in examples:
        by_style[example.get("style", "?")].append(example)
    return {"all": evaluate(labeller, examples),
            "by_style": {style: evaluate(labeller, group) for style, group in sorted(by_style.items())}}


def trained_parameters(model, token_ids: list[int] | None) -> list[dict]:
    """AdamW parameter groups: every parameter, or (``token_ids``) only those rows of the input embeddings.

    The other rows get no gradient (a hook zeroes it) and no weight decay, so AdamW leaves them exactly as
    they were; every other parameter is frozen.
    """
    if token_ids is None:
        return [{"params": list(model.parameters())}]
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    weight = model.get_input_embeddings().weight
    weight.requires_grad_(True)
    rows = torch.zeros(weight.shape[0], 1)
    rows[token_ids] = 1.0
    weight.register_hook(lambda gradient: gradient * rows)
    return [{"params": [weight], "weight_decay": 0.0}]


def train(train_examples: list[dict], eval_sets: dict[str, list[dict]], output_dir: str | Path, *,
          base_model: str | None = None, config_overrides: dict | None = None, stride: int = 384,
          epochs: float = 1.0, batch_size: int = 16, learning_rate: float = 1e-3, warmup_ratio: float = 0.05,
          seed: int = 13, max_minutes: float | None = None, tokenizer_kind: str = "char", steps: int | None = None,
          tune: str = "all", label_scheme: str | None = None, log=print) -> dict:
    """Train, evaluate on each of ``eval_sets`` (name -> examples), save model, tokenizer and ``training_summary.json``.

    The run lasts ``steps`` steps if given, else ``epochs`` passes over the windows, and at most ``max_minutes``.
    ``tune`` (fine-tuning): ``all`` parameters, or ``new-tokens``: only the embeddings of the tokens added for
    layout characters the vocabulary lacks (``training.vocabulary``), so no other layout is read differently.
    ``label_scheme`` (``model.labels``): ``keys`` or ``roles``; by default the base model's, or ``roles`` (the design
    that reads real reports better: model/README.md).  A base model of the other scheme keeps its encoder and gets
    a new classification layer.
    """
    set_seed(seed)
    if base_model:
        tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
    elif tokenizer_kind == "bpe":
        tokenizer = build_bpe_tokenizer([example_document(example)[0].norm for example in train_examples])
    else:
        tokenizer = build_char_tokenizer(example_document(example)[0].norm for example in train_examples)
    if label_scheme is None:
        label_scheme = scheme_of(AutoConfig.from_pretrained(base_model, local_files_only=True).label2id) \
            if base_model else "roles"
    labels = label_list(label_scheme)
    model = build_model(tokenizer, labels, base_model, config_overrides)
    added = add_look_alike_tokens(tokenizer, model, [example_document(example)[0].norm for example in train_examples]) \
        if base_model else {}
    if added:
        log(f"new tokens, embedded as their ASCII look-alikes: {', '.join(f'{t} as {a}' for t, a in added.items())}")
    if tune == "new-tokens" and not added:
        raise ValueError("tune='new-tokens': the training text has no box-drawing character the vocabulary lacks")
    max_length = model.config.max_position_embeddings
    label2id = model.config.label2id

    features = [window for example in train_examples
                for window in example_features(example, tokenizer, label2id, max_length, stride)]
    random.Random(seed).shuffle(features)
    log(f"{len(train_examples)} training reports -> {len(features)} windows of <= {max_length} tokens; "
        f"{sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters")
    loader = DataLoader(features, batch_size=batch_size, shuffle=True,
                        collate_fn=DataCollatorForTokenClassification(tokenizer),
                        generator=torch.Generator().manual_seed(seed))
    total_steps = steps or max(1, math.ceil(len(loader) * epochs))
    groups = [torch.tensor(ids) for ids in label_groups(labels)]
    weights = torch.tensor([FIELD_WEIGHT if label != OUTSIDE and is_field_tag(label[2:]) else 1.0 for label in labels])
    optimizer = torch.optim.AdamW(trained_parameters(model, new_token_ids(tokenizer, added) if tune == "new-tokens"
                                                     else None), lr=learning_rate, weight_decay=0.01)

    # The learning rate warms up, then decays linearly to zero as training progresses, where progress is
    # the share of steps done or, under a time budget, the share of the budget spent if that is larger:
    # on a shared two-core machine the step rate is unknown in advance, and a run cut short by the
    # budget still ends with a fully decayed learning rate.
    model.train()
    loop_started = time.time()
    step, losses, progress = 0, [], 0.0
    while progress < 1.0:
        for batch in loader:
            progress = step / total_steps
            if max_minutes is not None:
                progress = max(progress, (time.time() - loop_started) / (max_minutes * 60))
            if progress >= 1.0:
                break
            rate = learning_rate * min(progress / warmup_ratio, (1.0 - progress) / (1.0 - warmup_ratio))
            for group in optimizer.param_groups:
                group["lr"] = rate
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            loss = grouped_loss(logits, batch["labels"], groups, weights)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
            step += 1
            if step % 50 == 0:
                log(f"step {step} ({progress:.0%})  lr {rate:.2e}  loss {sum(losses[-50:]) / 50:.4f}  "
                    f"{(time.time() - loop_started) / 60:.1f} min")
    train_minutes = (time.time() - loop_started) / 60
    log(f"trained {step} steps ({step * batch_size / max(1, len(features)):.2f} epochs) in {train_minutes:.1f} min")

    model.eval()
    labeller = Labeller.of_model(model, tokenizer)
    metrics = {name: evaluate_by_style(labeller, examples) for name, examples in eval_sets.items() if examples}
    summary = {
        "train_reports": len(train_examples), "train_windows": len(features), "steps": step,
        "epochs": round(step * batch_size / max(1, len(features)), 2),
        "batch_size": batch_size, "learning_rate": learning_rate, "seed": seed, "stride": stride,
        "train_minutes": round(train_minutes, 1), "first_losses": losses[:5], "last_losses": losses[-5:],
        "base_model": base_model, "tokenizer": None if base_model else tokenizer_kind, "new_tokens": added,
        "tune": tune, "label_scheme": label_scheme, "eval": metrics,
    }
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(output_dir, safe_serialization=True)
    tokenizer.save_pretrained(output_dir)
    (output_dir / "training_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n",
                                                     encoding="utf-8")
    return summary
