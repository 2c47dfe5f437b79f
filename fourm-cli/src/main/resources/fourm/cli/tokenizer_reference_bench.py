"""Times the reference implementation's VQ-VAE image tokenizer on this machine, for `fourm bench tokenizer --reference`.

Builds apple/ml-4m's own `fourm.vq.vqvae.VQVAE` from the constructor keyword arguments in --kwargs (a JSON object,
what the reference's Hugging Face config.json holds: ViT encoder and decoder presets, lucid cosine-similarity
quantizer, ...) with seeded random weights, CPU, fp32, eval mode, no gradients. Writes OUT/config.json and
OUT/model.safetensors (the reference's published directory layout, state_dict key names) and OUT/inputs.safetensors
(per batch size B: `input_B` a seeded standard-normal batch [B, C, side, side], `tokens_B` the reference's token ids of
it); then times encode (`tokenize`: image -> ids) and decode (`decode_tokens`: ids -> image) per batch size and prints
one JSON object on the last line of stdout.

--vit DIM,DEPTH,HEADS registers presets `bench_vit_enc` / `bench_vit_dec` on the reference's vit_models module: the
same ViTEncoder / ViTDecoder classes as vit_b_enc / vit_b_dec at another size (for small test runs).

Needs ML4M_REPO (an export of apple/ml-4m) in the environment and --scripts, a folder with the import bootstrap and
shims that let the reference's tokenizer code run on a bare Debian python3-torch and its safetensors writer
(bootstrap_vq.py, st_io.py and shims/, as the golden tokenizer files were made with). No file of the reference is
changed.
"""
import argparse
import json
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--scripts', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--kwargs', required=True)
    p.add_argument('--vit', default='')
    p.add_argument('--batches', default='1,8')
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    sys.path.insert(0, os.path.abspath(a.scripts))
    import bootstrap_vq  # noqa: F401  (paths, shims)
    import st_io
    import torch
    import fourm.vq.models.vit_models as vit_models
    from fourm.vq.vqvae import VQVAE
    if a.vit:
        dim, depth, heads = (int(s) for s in a.vit.split(','))
        size = dict(dim_tokens=dim, depth=depth, num_heads=heads, mlp_ratio=4, qkv_bias=True)

        def enc(in_channels, patch_size, resolution, patch_proj=True, post_mlp=False, **kw):
            return vit_models.ViTEncoder(in_channels=in_channels, patch_size=patch_size, resolution=resolution,
                                         patch_proj=patch_proj, post_mlp=post_mlp, **size)

        def dec(out_channels, patch_size, resolution, patch_proj=True, post_mlp=False, out_conv=False, **kw):
            return vit_models.ViTDecoder(out_channels=out_channels, patch_size=patch_size, resolution=resolution,
                                         patch_proj=patch_proj, post_mlp=post_mlp, out_conv=out_conv, **size)

        vit_models.bench_vit_enc = enc
        vit_models.bench_vit_dec = dec
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    kwargs = json.loads(a.kwargs)
    torch.manual_seed(a.seed)
    model = VQVAE(**kwargs).eval()
    os.makedirs(a.out, exist_ok=True)
    sd = model.state_dict()
    st_io.save_file({k: v.detach().float().contiguous() for k, v in sd.items()},
                    os.path.join(a.out, 'model.safetensors'))
    with open(os.path.join(a.out, 'config.json'), 'w') as f:
        json.dump(kwargs, f, indent=1)
    side, c = kwargs['image_size'], kwargs['n_channels']
    grid = side // kwargs['patch_size']
    gen = torch.Generator().manual_seed(a.seed + 1)
    out = dict(torch=torch.__version__, threads=torch.get_num_threads(),
               parameters=sum(q.numel() for q in model.parameters()), encode={}, decode={})
    io = {}
    with torch.no_grad():
        for b in [int(s) for s in a.batches.split(',') if s]:
            x = torch.randn(b, c, side, side, generator=gen)
            times, tokens = [], None
            for i in range(a.warmup + a.repeats):
                t0 = time.perf_counter()
                tokens = model.tokenize(x)
                dt = time.perf_counter() - t0
                if i >= a.warmup:
                    times.append(dt)
            assert tuple(tokens.shape) == (b, grid, grid), tokens.shape
            out['encode'][str(b)] = times
            io['input_%d' % b] = x.contiguous()
            io['tokens_%d' % b] = tokens.long().contiguous()
            times = []
            for i in range(a.warmup + a.repeats):
                t0 = time.perf_counter()
                y = model.decode_tokens(tokens)
                dt = time.perf_counter() - t0
                if i >= a.warmup:
                    times.append(dt)
            assert tuple(y.shape) == (b, c, side, side), y.shape
            out['decode'][str(b)] = times
            print('reference batch %d: encode %s s, decode %s s' % (
                b, ' '.join('%.3f' % s for s in out['encode'][str(b)]),
                ' '.join('%.3f' % s for s in times)), file=sys.stderr)
    st_io.save_file(io, os.path.join(a.out, 'inputs.safetensors'))
    print(json.dumps(out))


if __name__ == '__main__':
    main()
