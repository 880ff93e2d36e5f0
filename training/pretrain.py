"""``nianbao pretrain``: masked-language-model pre-training of the encoder on report text, before fine-tuning.

    nianbao pretrain --out runs/mlm --generated 2000 --max-minutes 20
    nianbao train --base-model runs/mlm --labels roles --out runs/roles-mlm

Token classification learns from labelled text only; report text without labels is plentiful (generated
reports, the real reports of ``data/``, crawled ones).  Masked language modelling (BERT's objective, Hugging
Face's ``DataCollatorForLanguageModeling``: 15% of tokens masked) teaches the encoder what report text looks
like, prose included, and ``nianbao train --base-model`` then fine-tunes it for token classification (a new
classification layer on the pre-trained encoder).  The encoder starts from ``--base-model`` (default: the
installed checkpoint's encoder, whose tokenizer is kept) or, with ``--scratch``, from a fresh small BERT.
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from nianbao.paths import DATA_DIR, MODEL_DIR

CORPUS_FOLDERS = ("seeds", "real-dev/reports", "real-unlabelled")  # under data/: real report text, no labels used
MASKED_SHARE = 0.15


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder of the pre-trained encoder")
    parser.add_argument("--base-model", type=Path, default=MODEL_DIR,
                        help="checkpoint whose encoder and tokenizer are pre-trained further (default: the installed)")
    parser.add_argument("--generated", type=int, default=1000, help="generated reports in the corpus (default: %(default)s)")
    parser.add_argument("--text", nargs="*", type=Path, default=[],
                        help="more report files or folders for the corpus (any format the readers know)")
    parser.add_argument("--no-data-reports", action="store_true",
                        help=f"leave the real reports of data/ ({', '.join(CORPUS_FOLDERS)}) out of the corpus")
    parser.add_argument("--steps", type=int, default=2000, help="optimizer steps (default: %(default)s)")
    parser.add_argument("--max-minutes", type=float, default=20.0, help="stop after this long (default: %(default)s)")
    parser.add_argument("--batch-size", type=int, default=16, help="windows per step (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=5e-4, help="peak AdamW learning rate (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=17, help="seed of generation and training (default: %(default)s)")


def corpus(generated: int, files: list[Path], seed: int, data_reports: bool = True) -> list[str]:
    """The normalised text of ``generated`` generated reports, the real reports of ``data/`` and ``files``."""
    from nianbao.errors import InputError
    from nianbao.readers import KNOWN_SUFFIXES, read_document
    from nianbao.text import normalise
    from training.command import generate
    from training.styles import STYLES

    texts = [normalise("<generated>", example["text"]).norm for example in generate(generated, sorted(STYLES), seed)]
    paths = [DATA_DIR / folder for folder in CORPUS_FOLDERS] if data_reports else []
    for path in [*paths, *files]:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and file.suffix.lower() in KNOWN_SUFFIXES:
                try:
                    texts.append(read_document(file).norm)
                except InputError:
                    continue  # not a report the readers can read: nothing to learn from
    return texts


def pretrain(texts: list[str], out: Path, base_model: Path | None, *, steps: int, max_minutes: float,
             batch_size: int = 16, learning_rate: float = 5e-4, seed: int = 17, config_overrides: dict | None = None,
             log=print) -> dict:
    """Pre-train a masked language model on ``texts``; save it (and its tokenizer) to ``out``; the summary."""
    import torch
    from torch.utils.data import DataLoader
    from transformers import (AutoTokenizer, BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling,
                              set_seed)

    from model.encoding import encode_text, window_bounds, with_special_tokens
    from model.tokenizer import build_bpe_tokenizer
    from training.train import SMALL_CONFIG

    set_seed(seed)
    if base_model is not None:
        tokenizer = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
        model = BertForMaskedLM.from_pretrained(base_model, local_files_only=True, use_safetensors=True)
    else:
        tokenizer = build_bpe_tokenizer(texts)
        model = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), pad_token_id=tokenizer.pad_token_id,
                                           **{**SMALL_CONFIG, **(config_overrides or {})}))
    size = model.config.max_position_embeddings
    windows = [{"input_ids": with_special_tokens(tokenizer, ids[start:end])}
               for text in texts for ids in [encode_text(tokenizer, text).ids]
               for start, end in window_bounds(len(ids), size, size - 2)]
    random.Random(seed).shuffle(windows)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=MASKED_SHARE)
    loader = DataLoader(windows, batch_size=batch_size, shuffle=True, collate_fn=collator,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=0.01)
    log(f"{len(texts)} texts -> {len(windows)} windows of <= {size} tokens")
    model.train()
    started, step, losses = time.time(), 0, []
    while step < steps and time.time() - started < max_minutes * 60:
        for batch in loader:
            progress = max(step / steps, (time.time() - started) / (max_minutes * 60))
            if progress >= 1.0:
                break
            for group in optimizer.param_groups:
                group["lr"] = learning_rate * min(progress / 0.05, (1.0 - progress) / 0.95)
            loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
            step += 1
            if step % 50 == 0:
                log(f"step {step}  loss {sum(losses[-50:]) / 50:.4f}  {(time.time() - started) / 60:.1f} min")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    summary = {"texts": len(texts), "windows": len(windows), "steps": step, "minutes": round((time.time() - started) / 60, 1),
               "first_losses": losses[:5], "last_losses": losses[-5:], "learning_rate": learning_rate,
               "base_model": str(base_model) if base_model else None, "seed": seed}
    (out / "pretraining_summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def run(args: argparse.Namespace) -> int:
    texts = corpus(args.generated, args.text, args.seed, data_reports=not args.no_data_reports)
    summary = pretrain(texts, args.out, args.base_model, steps=args.steps, max_minutes=args.max_minutes,
                       batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed,
                       log=lambda message: print(message, flush=True))
    print(f"saved {args.out} ({summary['steps']} steps, loss {summary['first_losses'][:1]} -> {summary['last_losses'][-1:]}); "
          f"fine-tune it: nianbao train --base-model {args.out} --labels roles", flush=True)
    return 0
