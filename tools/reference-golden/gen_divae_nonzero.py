"""A tiny DiVAE with every tensor non-zero, run through the reference implementation's own code.

The shared golden DiVAE (reference/golden/tokenizers/divae_rgb.*) keeps the reference's zero initialisation of the
UNet's output layers, so its UNet returns zeros whatever its input. This script builds the same kind of DiVAE
(fourm/vq/vqvae.py DiVAE, a ViT encoder with post-MLP, cosine codebook, PatchedUNetCondCat), draws every decoder
tensor at random (zero-initialised convolutions, GroupNorm affines and biases included) and records:

  divae_rgb_nonzero.safetensors     model.state_dict(), reference key names, float32
  divae_rgb_nonzero.json            reference_class, constructor_kwargs, the tiny presets, key -> shape
  divae_rgb_nonzero.io.safetensors  input, tokens, cond; one UNet call (unet_sample, unet_timesteps, unet_out);
                                    a seeded 3-step DDPM decode (the model's scheduler: linear betas, x0 prediction,
                                    zero terminal SNR) with its initial and variance noise; a 3-step DDIM decode with
                                    the class defaults (v prediction, squared-cosine betas, thresholding, trailing
                                    spacing) with its initial noise, timesteps and alpha-bar table.

Run (Debian's python3-torch; the reference exported with `git archive`, the golden shims for its missing packages):
    ML4M_REPO=<export of apple/ml-4m> GOLDEN_SCRIPTS=<reference/golden/tokenizers/scripts> \
        /usr/bin/python3 tools/reference-golden/gen_divae_nonzero.py fourm-vq-diffusion/src/test/resources/reference-golden
Deterministic: seeded generators, one thread, fp32, CPU.
"""
import json
import math
import os
import struct
import sys

SCRIPTS = os.environ.get('GOLDEN_SCRIPTS')
if not SCRIPTS or not os.path.isfile(os.path.join(SCRIPTS, 'bootstrap_vq.py')):
    raise SystemExit('set GOLDEN_SCRIPTS to reference/golden/tokenizers/scripts (its import bootstrap and shims)')
sys.path.insert(0, SCRIPTS)
import bootstrap_vq  # noqa: E402,F401  (ML4M_REPO on the path, shims, bare fourm.utils)
import numpy as np  # noqa: E402
import torch  # noqa: E402

import fourm.vq.models.vit_models as vit_models  # noqa: E402
import fourm.vq.models.unet.unet as unet  # noqa: E402
import fourm.vq.scheduling.scheduling_ddpm as scheduling_ddpm  # noqa: E402
from fourm.vq.scheduling import DDIMScheduler  # noqa: E402
from fourm.vq.vqvae import DiVAE  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '.')
os.makedirs(OUT, exist_ok=True)
REF = os.environ.get('ML4M_COMMIT', 'cda590faa3b9f022c28537193d3e1650527646a3')
NAME = 'divae_rgb_nonzero'

# One encoder block (the file stays small); otherwise the presets of the shared golden divae_rgb.
VIT_TINY = dict(dim_tokens=32, depth=1, num_heads=4, mlp_ratio=4, qkv_bias=True)
UNET_TINY = dict(patch_size=4, model_channels=32, num_res_blocks=1, attention_resolutions=[1, 2], channel_mult=[1, 1])


def vit_tiny1_enc(in_channels, patch_size, resolution, patch_proj=True, post_mlp=False, **kw):
    return vit_models.ViTEncoder(in_channels=in_channels, patch_size=patch_size, resolution=resolution,
                                 patch_proj=patch_proj, post_mlp=post_mlp, **VIT_TINY)


def unet_patched_tiny(**kwargs):
    return unet.PatchedUNetCondCat(**dict(UNET_TINY, channel_mult=tuple(UNET_TINY['channel_mult'])), **kwargs)


vit_models.vit_tiny1_enc = vit_tiny1_enc
unet.unet_patched_tiny = unet_patched_tiny

KWARGS = dict(sync_codebook=False, ema_decay=0.99, threshold_ema_dead_code=0.25, commitment_weight=1.0,
              kmeans_init=False, norm_codes=True, norm_latents=False, undo_std=False, ckpt_path=None,
              image_size=48, n_channels=3, enc_type='vit_tiny1_enc', dec_type='unet_patched_tiny', patch_size=8,
              post_mlp=True, patch_proj=True, quant_type='lucid', codebook_size=64, latent_dim=16, num_codebooks=1,
              num_train_timesteps=1000, scheduler='ddpm', beta_schedule='linear', prediction_type='sample',
              clip_sample=False, thresholding=False, zero_terminal_snr=True)

ST_DTYPE = {np.dtype('float32'): 'F32', np.dtype('int64'): 'I64'}


def save_safetensors(tensors, path, metadata=None):
    """The safetensors layout: u64 header length, JSON header padded to 8 bytes, row-major little-endian data."""
    header, blobs, offset = {}, [], 0
    for k, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy())
        a = a.astype(a.dtype.newbyteorder('<'), copy=False)
        b = a.tobytes()
        header[k] = dict(dtype=ST_DTYPE[a.dtype.newbyteorder('=')], shape=list(a.shape),
                         data_offsets=[offset, offset + len(b)])
        blobs.append(b)
        offset += len(b)
    if metadata:
        header['__metadata__'] = metadata
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


@torch.no_grad()
def randomise_decoder(model, g):
    """Every decoder tensor drawn at random: weights U(+-1/sqrt(fan_in)), norm scales U(0.5, 1.5), biases U(+-0.1)."""
    for name, p in model.decoder.named_parameters():
        if p.dim() > 1:
            fan_in = p[0].numel()
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) / math.sqrt(fan_in))
        elif name.endswith('weight'):
            p.copy_(torch.rand(p.shape, generator=g) + 0.5)
        else:
            p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) * 0.1)


@torch.no_grad()
def recorded_decode(model, tokens, scheduler, seed):
    """decode_tokens with 3 steps from a seeded generator; returns the decode, its draws and its timesteps."""
    rec = dict(x_in=[], t=[], var_noise=[])

    def hook(mod, inp, out):
        rec['x_in'].append(inp[0].clone())
        rec['t'].append(int(inp[1]))

    orig_randn = scheduling_ddpm.randn_tensor

    def randn_rec(*a, **k):
        n = orig_randn(*a, **k)
        rec['var_noise'].append(n.clone())
        return n

    h = model.decoder.register_forward_hook(hook)
    scheduling_ddpm.randn_tensor = randn_rec
    try:
        dec = model.decode_tokens(tokens, timesteps=3, scheduler=scheduler, generator=torch.Generator().manual_seed(seed),
                                  verbose=False)
    finally:
        h.remove()
        scheduling_ddpm.randn_tensor = orig_randn
    replay = torch.Generator().manual_seed(seed)
    assert torch.equal(torch.randn(rec['x_in'][0].shape, generator=replay), rec['x_in'][0])
    for n in rec['var_noise']:
        assert torch.equal(torch.randn(n.shape, generator=replay), n)
    return dec, rec


@torch.no_grad()
def main():
    torch.manual_seed(31)
    model = DiVAE(**KWARGS).eval()
    g = torch.Generator().manual_seed(3131)
    randomise_decoder(model, g)
    zeros = [k for k, v in model.decoder.state_dict().items() if float(v.abs().max()) == 0.0]
    assert not zeros, zeros

    x = torch.rand(2, 3, 48, 48, generator=g) * 2 - 1
    quant, _, tokens = model.encode(x)
    cond = model.tokens_to_embedding(tokens)
    sample = torch.randn(2, 3, 48, 48, generator=g)
    t = torch.tensor([500, 37])
    unet_out = model.decoder(sample, t, encoder_hidden_states=cond)

    ddpm, ddpm_rec = recorded_decode(model, tokens, None, 17)
    assert ddpm_rec['t'] == [666, 333, 0], ddpm_rec['t']
    assert len(ddpm_rec['var_noise']) == 2
    # DDIM with DiVAE's class defaults; eta = 0, so the initial noise is its only draw.
    ddim_sched = DDIMScheduler(num_train_timesteps=1000, thresholding=True, clip_sample=False,
                               beta_schedule='squaredcos_cap_v2', prediction_type='v_prediction',
                               zero_terminal_snr=True)
    ddim, ddim_rec = recorded_decode(model, tokens, ddim_sched, 23)
    assert not ddim_rec['var_noise']

    io = dict(input=x, tokens=tokens, cond=cond, quant=quant, unet_sample=sample, unet_timesteps=t, unet_out=unet_out,
              ddpm_init_noise=ddpm_rec['x_in'][0], ddpm_variance_noise=torch.stack(ddpm_rec['var_noise']),
              ddpm_timesteps=torch.tensor(ddpm_rec['t'], dtype=torch.int64), ddpm_decoded=ddpm,
              ddim_init_noise=ddim_rec['x_in'][0], ddim_timesteps=torch.tensor(ddim_rec['t'], dtype=torch.int64),
              ddim_alphas_cumprod=ddim_sched.alphas_cumprod.float().contiguous(), ddim_decoded=ddim)
    sd = model.state_dict()
    save_safetensors({k: v.float().contiguous() for k, v in sd.items()}, os.path.join(OUT, NAME + '.safetensors'),
                     metadata={'source': 'apple/ml-4m ' + REF + ' fourm/vq/vqvae.py DiVAE, decoder drawn at random'})
    save_safetensors({k: v.contiguous() for k, v in io.items()}, os.path.join(OUT, NAME + '.io.safetensors'))
    cfg = dict(reference_class='fourm.vq.vqvae.DiVAE', reference_commit=REF, constructor_kwargs=KWARGS,
               vit_tiny=VIT_TINY, unet_tiny=UNET_TINY,
               ddim_scheduler=dict(beta_schedule='squaredcos_cap_v2', prediction_type='v_prediction',
                                   thresholding=True, clip_sample=False, zero_terminal_snr=True,
                                   timesteps_mode='trailing'),
               state_dict={k: list(v.shape) for k, v in sd.items()},
               io={k: dict(shape=list(v.shape), dtype=str(v.dtype).replace('torch.', '')) for k, v in io.items()},
               distinct_tokens=int(torch.unique(tokens).numel()),
               unet_out_max_abs=float(unet_out.abs().max()),
               notes='decoder tensors drawn at random after construction (seed 3131): none is zero. unet_out = '
                     'decoder(unet_sample, unet_timesteps, encoder_hidden_states=cond). ddpm_decoded = '
                     'decode_tokens(tokens, timesteps=3, generator=manual_seed(17)); its draws: ddpm_init_noise, '
                     'then ddpm_variance_noise[0..1] (steps with t > 0). ddim_decoded: the same with a DDIMScheduler '
                     'of the class defaults and generator manual_seed(23); ddim_init_noise is its only draw.')
    with open(os.path.join(OUT, NAME + '.json'), 'w') as f:
        json.dump(cfg, f, indent=1)
    print('%s: %d keys, %d values, unet_out max %.3f, ddpm %s, ddim %s, distinct tokens %d' % (
        NAME, len(sd), sum(v.numel() for v in sd.values()), cfg['unet_out_max_abs'], ddpm_rec['t'], ddim_rec['t'],
        cfg['distinct_tokens']))


if __name__ == '__main__':
    main()
