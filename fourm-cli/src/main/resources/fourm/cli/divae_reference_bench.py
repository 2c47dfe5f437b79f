"""Times the reference implementation's DiVAE diffusion decoder on this machine, for `fourm bench divae --reference`.

Builds apple/ml-4m's own `unet_patched` (PatchedUNetCondCat: patch 4, 256 channels, 3 residual blocks per level,
attention at rates 4 and 8, channel multipliers 1, 2, 2, 2), its DDPMScheduler (1000 steps, linear betas, x0
prediction, thresholding, zero terminal SNR: the released `*_predx0` tokenizers) and its PipelineCond, with random
weights (the zero-initialised layers drawn too), CPU, fp32, no gradients; then times one UNet evaluation per batch size
and full decodes, and prints one JSON object on the last line of stdout.

Needs ML4M_REPO (an export of apple/ml-4m) in the environment and --scripts, a folder with the import bootstrap and
shims that let the reference's tokenizer code run on a bare Debian python3-torch (bootstrap_vq.py and shims/, as the
golden tokenizer files were made with). No file of the reference is changed.
"""
import argparse
import json
import os
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--scripts', required=True)
    p.add_argument('--side', type=int, default=224)
    p.add_argument('--channels', type=int, default=3)
    p.add_argument('--latent', type=int, default=32)
    p.add_argument('--grid', type=int, default=14)
    p.add_argument('--batches', default='1')
    p.add_argument('--decode-batches', default='1')
    p.add_argument('--steps', type=int, default=25)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--decode-repeats', type=int, default=1)
    p.add_argument('--threads', type=int, default=0)
    a = p.parse_args()
    sys.path.insert(0, os.path.abspath(a.scripts))
    import bootstrap_vq  # noqa: F401  (paths, shims)
    import torch
    from fourm.vq.models.unet.unet import unet_patched
    from fourm.vq.scheduling import DDPMScheduler, PipelineCond
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = unet_patched(in_channels=a.channels, out_channels=a.channels, cond_channels=a.latent,
                         image_size=a.side).eval()
    with torch.no_grad():
        for prm in model.parameters():
            if prm.abs().max() == 0:
                bound = (prm[0].numel() if prm.dim() > 1 else 9 * prm.numel()) ** -0.5
                prm.uniform_(-bound, bound)
    sched = DDPMScheduler(num_train_timesteps=1000, beta_schedule='linear', prediction_type='sample',
                          thresholding=True, clip_sample=False, zero_terminal_snr=True)
    pipe = PipelineCond(model=model, scheduler=sched)
    gen = torch.Generator().manual_seed(1)
    out = dict(torch=torch.__version__, threads=torch.get_num_threads(),
               parameters=sum(q.numel() for q in model.parameters()), unet={}, decode={})
    with torch.no_grad():
        for b in [int(s) for s in a.batches.split(',') if s]:
            x = torch.randn(b, a.channels, a.side, a.side, generator=gen)
            cond = torch.randn(b, a.latent, a.grid, a.grid, generator=gen)
            t = torch.tensor(500)
            times = []
            for i in range(a.warmup + a.repeats):
                t0 = time.perf_counter()
                y = model(x, t, cond)
                dt = time.perf_counter() - t0
                assert y.shape == x.shape
                if i >= a.warmup:
                    times.append(dt)
            out['unet'][str(b)] = times
            print('reference unet batch %d: %s s' % (b, ' '.join('%.3f' % s for s in times)), file=sys.stderr)
        for b in [int(s) for s in a.decode_batches.split(',') if s]:
            cond = torch.randn(b, a.latent, a.grid, a.grid, generator=gen)
            times = []
            for _ in range(a.decode_repeats):
                t0 = time.perf_counter()
                img = pipe(cond, generator=torch.Generator().manual_seed(2), timesteps=a.steps, image_size=a.side,
                           verbose=False)
                times.append(time.perf_counter() - t0)
                assert img.shape == (b, a.channels, a.side, a.side)
            out['decode'][str(b)] = times
            print('reference decode batch %d, %d steps: %s s' % (b, a.steps, ' '.join('%.2f' % s for s in times)),
                  file=sys.stderr)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
