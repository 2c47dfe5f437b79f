"""Golden files for the reference tokenizer kinds that the shared golden set lacks, made by the reference's own
classes (apple/ml-4m, fourm/vq/vqvae.py VQVAE) with tiny sizes and seeded random weights.

Variants (each: V.safetensors state dict with the reference key names, V.json, V.io.safetensors):
  sam_instance   ViT VQ-VAE on 64x64 binary masks, out_conv (two ConvNeXt blocks after the decoder), no post_mlp
  rgb_outconv    the out_conv head on 3 channels (the 1-channel SAM head normalises a single channel, so its
                 depth-wise conv cannot reach the output; this variant exercises it)
  pose           BottleneckMLP + Memcodes on the 207-d SMPL body pose, 8 heads (8 tokens), patch_proj=False
  lucid_multi    lucid VectorQuantize with num_codebooks=3 (project_in / project_out, one shared codebook)
  rgb_nopostmlp  ViT VQ-VAE without post_mlp
  featuremap     feature-map tokenizer as built for CLIP/DINOv2/ImageBind maps: patch_proj=False, post_mlp=True

The reference is imported at generation time; nothing of it is copied. The run environment (Debian python3-torch,
the einops/diffusers/... stand-ins and the bare fourm.utils bootstrap) is the one the shared golden tokenizer folder
documents: its scripts/ folder is put on sys.path (GOLDEN_SCRIPTS, default
/work/shared/reference/golden/tokenizers/scripts) and its bootstrap_vq / st_io modules are imported from there.

Run:
    git --git-dir=<ml-4m git dir> archive HEAD | tar -x -C /tmp/ml4m
    ML4M_REPO=/tmp/ml4m /usr/bin/python3 tools/reference-golden/gen_more_tokenizers.py \
        fourm-vq/src/test/resources/reference-golden
Deterministic: torch.manual_seed per variant, eval mode, one thread, fp32, CPU.
"""
import json
import os
import sys

SCRIPTS = os.environ.get('GOLDEN_SCRIPTS', '/work/shared/reference/golden/tokenizers/scripts')
sys.path.insert(0, SCRIPTS)
import bootstrap_vq  # noqa: E402,F401  (sys.path for the reference and the stand-ins, bare fourm.utils)
import st_io  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import fourm.vq.models.vit_models as vit_models  # noqa: E402
from fourm.vq.vqvae import VQVAE  # noqa: E402

torch.set_num_threads(1)
if len(sys.argv) < 2:
    raise SystemExit('usage: gen_more_tokenizers.py OUT_DIR')
OUT = os.path.abspath(sys.argv[1])
os.makedirs(OUT, exist_ok=True)
REF = os.environ.get('ML4M_COMMIT', 'cda590faa3b9f022c28537193d3e1650527646a3')

# The tiny ViT presets of the shared golden set: the classes behind vit_b_enc / vit_b_dec, shrunk.
VIT_TINY = dict(dim_tokens=32, depth=2, num_heads=4, mlp_ratio=4, qkv_bias=True)


def vit_tiny_enc(in_channels, patch_size, resolution, patch_proj=True, post_mlp=False, **kw):
    return vit_models.ViTEncoder(in_channels=in_channels, patch_size=patch_size, resolution=resolution,
                                 patch_proj=patch_proj, post_mlp=post_mlp, **VIT_TINY)


def vit_tiny_dec(out_channels, patch_size, resolution, patch_proj=True, post_mlp=False, out_conv=False, **kw):
    return vit_models.ViTDecoder(out_channels=out_channels, patch_size=patch_size, resolution=resolution,
                                 patch_proj=patch_proj, post_mlp=post_mlp, out_conv=out_conv, **VIT_TINY)


vit_models.vit_tiny_enc = vit_tiny_enc
vit_models.vit_tiny_dec = vit_tiny_dec

COMMON = dict(sync_codebook=False, ema_decay=0.99, threshold_ema_dead_code=0.25, commitment_weight=1.0,
              kmeans_init=False, norm_codes=True, norm_latents=False, undo_std=False, ckpt_path=None)


def scores(model, latent):
    """Code scores per position (and head): cosine similarity for lucid, scaled dot product per head for Memcodes."""
    q = model.quantize
    if model.quant_type == 'lucid':
        x = latent.permute(0, 2, 3, 1).reshape(latent.shape[0], -1, latent.shape[1])
        x = q.project_in(x)
        x = x.reshape(-1, q._codebook.embed.shape[1])
        return F.normalize(x, dim=-1) @ F.normalize(q._codebook.embed, dim=-1).t()
    x = latent.permute(0, 2, 3, 1).reshape(latent.shape[0], -1, latent.shape[1])
    qq = x.reshape(x.shape[0], x.shape[1], q.heads, -1).permute(0, 2, 1, 3) * q.scale
    k = q.to_k(q.codes)
    return torch.einsum('bhid,hjd->bhij', qq, k).reshape(-1, q.codebook_size)


def margin(model, latent):
    top = scores(model, latent).topk(2, dim=-1).values
    return float((top[:, 0] - top[:, 1]).min())


def jsonable(v):
    return list(v) if isinstance(v, tuple) else v


def save(name, model, kwargs, io, extra):
    sd = model.state_dict()
    st_io.save_file({k: v.detach().float().contiguous() for k, v in sd.items()}, os.path.join(OUT, name + '.safetensors'),
                    metadata={'source': 'apple/ml-4m ' + REF + ' fourm/vq/vqvae.py ' + type(model).__name__})
    st_io.save_file({k: v.detach().contiguous() for k, v in io.items()}, os.path.join(OUT, name + '.io.safetensors'))
    cfg = dict(reference_class='fourm.vq.vqvae.' + type(model).__name__, reference_commit=REF,
               constructor_kwargs={k: jsonable(v) for k, v in kwargs.items()},
               vit_tiny=VIT_TINY,
               state_dict={k: list(v.shape) for k, v in sd.items()},
               buffers=[k for k, _ in model.named_buffers()],
               io={k: dict(shape=list(v.shape), dtype=str(v.dtype).replace('torch.', '')) for k, v in io.items()})
    cfg.update(extra)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(cfg, f, indent=1)
        f.write('\n')
    print('%-14s keys=%d params=%d tokens=%s margin=%.3g distinct=%d' % (
        name, len(sd), sum(v.numel() for v in sd.values()), tuple(io['tokens'].shape), extra['min_argmax_margin'],
        extra['distinct_tokens']))


def perturb_out_conv(model, seed):
    """The ConvNeXt blocks start with layer scale gamma = 1e-6 and LayerNorm (1, 0), so a freshly built head is the
    identity to float precision. Trained heads are not: draw gamma, the LayerNorm affine and the biases at random so
    the golden decode depends on every tensor of the head."""
    g = torch.Generator().manual_seed(seed)
    for blk in model.decoder.out_conv:
        c = blk.gamma.shape[0]
        blk.gamma.data = torch.randn(c, generator=g) * 0.5
        blk.norm.weight.data = 1 + torch.randn(c, generator=g) * 0.2
        blk.norm.bias.data = torch.randn(c, generator=g) * 0.5
        blk.dwconv.bias.data = torch.randn(c, generator=g) * 0.2
        blk.pwconv1.bias.data = torch.randn(blk.pwconv1.bias.shape[0], generator=g) * 0.2
        blk.pwconv2.bias.data = torch.randn(c, generator=g) * 0.2


@torch.no_grad()
def run(name, seed, kwargs, make_input, notes, post_init=None, decode_from_tokens=True):
    torch.manual_seed(seed)
    model = VQVAE(**kwargs).eval()
    if post_init is not None:
        post_init(model)
    g = torch.Generator().manual_seed(seed + 3000)
    x = make_input(g)
    quant, _, tokens = model.encode(x)
    latent = model.quant_proj(model.encoder(model.prepare_input(x)))
    auto = model.autoencode(x)
    extra = dict(notes=notes)
    if decode_from_tokens:
        dec = model.decode_tokens(tokens)
        diff = float((dec - auto).abs().max())
        assert diff < 1e-5, 'decode_tokens(tokenize(x)) != autoencode(x): %g' % diff
        extra['max_abs_decode_tokens_minus_autoencode'] = diff
    else:
        dec = auto
        try:
            model.decode_tokens(tokens)
            extra['reference_decode_tokens'] = 'runs'
        except Exception as e:  # recorded, not hidden: the reference's own decode_tokens fails on these tokens
            extra['reference_decode_tokens'] = ('raises %s: %s (einops stand-in; the pattern has 4 axes, the tensor 5, '
                                                'which einops refuses as well)' % (type(e).__name__, str(e).splitlines()[0][:160]))
    io = dict(input=x, tokens=tokens, latent=latent, quant=quant, decoded=dec)
    extra['min_argmax_margin'] = margin(model, latent)
    extra['distinct_tokens'] = int(torch.unique(tokens).numel())
    save(name, model, kwargs, io, extra)


def blobs(g, n, side):
    """Binary masks: smooth random fields (bilinear upsampling of an 8x8 normal grid) thresholded at 0."""
    low = torch.randn(n, 1, 8, 8, generator=g)
    return (F.interpolate(low, size=(side, side), mode='bilinear', align_corners=False) > 0).float()


def rotations(g, n, joints):
    """Random rotation matrices (QR of Gaussian matrices, det +1), flattened row-major per joint: the SMPL body pose
    as the reference's HumanPoseTransform(only_pose=True) hands it to the tokenizer (23 joints x 3 x 3 = 207)."""
    a = torch.randn(n * joints, 3, 3, generator=g, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1)).unsqueeze(-2)
    det = torch.det(q)
    q[:, :, 0] *= det.unsqueeze(-1)
    return q.float().reshape(n, joints * 9, 1, 1)


def main():
    vit = dict(COMMON, enc_type='vit_tiny_enc', dec_type='vit_tiny_dec', patch_proj=True, quant_type='lucid',
               num_codebooks=1)
    # SAM instance masks: the released config (cfgs/default/tokenization/vqvae/sam_instance/ViTB-ViTB_1k_224_64.yaml)
    # is vit_b enc/dec, out_conv, patch 16 on mask_size 64, lucid 1024 codes of width 1024, no post_mlp,
    # n_channels = 1 (MODALITY_INFO['sam_mask']), BCE on sigmoid(logits). Tiny: vit_tiny, 96 codes of width 32.
    run('sam_instance', 51, dict(vit, image_size=64, n_channels=1, patch_size=16, post_mlp=False, out_conv=True,
                                 codebook_size=96, latent_dim=32),
        lambda g: blobs(g, 2, 64),
        post_init=lambda m: perturb_out_conv(m, 5051),
        notes='input: binary instance masks (B,1,64,64) of 0/1. decoded: logits (B,1,64,64); the reference trains '
              'with BCE on sigmoid(decoded). decoder.out_conv = two ConvNeXt blocks (dwconv 7x7 depth-wise, '
              'LayerNorm eps 1e-6 over channels, pwconv1 C->4C, exact GELU, pwconv2 4C->C, x + gamma * y); gamma, '
              'LayerNorm affine and the biases were redrawn at random after construction (gamma starts at 1e-6). '
              'With one channel the LayerNorm sees a single value, so the head adds a constant per block.')
    run('rgb_outconv', 52, dict(vit, image_size=32, n_channels=3, patch_size=8, post_mlp=True, out_conv=True,
                                codebook_size=64, latent_dim=16),
        lambda g: torch.rand(2, 3, 32, 32, generator=g) * 2 - 1,
        post_init=lambda m: perturb_out_conv(m, 5052),
        notes='the out_conv head on 3 channels (depth-wise 7x7 conv, padding 3, reaches the output); input in '
              '[-1,1]. out_conv tensors redrawn at random after construction as for sam_instance.')
    # Human poses: cfgs/default/tokenization/vqvae/human_poses/BMLP1024-BMLP1024_1k_224.yaml: BottleneckMLP/B_6-Wi_1024
    # enc/dec, memcodes, 8 codebooks, latent 1024, 1024 codes; n_channels 207 (MODALITY_INFO['human_poses']);
    # patch_proj False (type seq); the pose vector enters as (B, 207, 1, 1). Tiny: B_2-Wi_32, latent 64 (8 x 8), 64 codes.
    run('pose', 53, dict(COMMON, image_size=224, patch_size=16, enc_type='BottleneckMLP/B_2-Wi_32',
                         dec_type='BottleneckMLP/B_2-Wi_32', n_channels=207, quant_type='memcodes', codebook_size=64,
                         num_codebooks=8, latent_dim=64, post_mlp=False, patch_proj=False),
        lambda g: rotations(g, 2, 23),
        notes='input: (B, 207, 1, 1) SMPL body pose, 23 rotation matrices flattened row-major (random rotations). '
              'tokens: (B, 8, 1, 1), one id per Memcodes head (8 heads of dim 8). decoded: (B, 207, 1, 1) '
              '(smooth L1 in training).')
    # lucid with several codebooks: VectorQuantize(dim=L, codebook_dim=L, heads=n) projects L -> n L (project_in),
    # quantizes each head's L-slice against ONE shared codebook, and projects n L -> L (project_out).
    run('lucid_multi', 54, dict(vit, image_size=32, n_channels=3, patch_size=8, post_mlp=True, out_conv=False,
                                codebook_size=64, latent_dim=16, num_codebooks=3),
        lambda g: torch.rand(2, 3, 32, 32, generator=g) * 2 - 1,
        decode_from_tokens=False,
        notes='num_codebooks=3: quantize.project_in Linear(16, 48), 3 heads of width 16 against the one shared '
              'codebook quantize._codebook.embed (64, 16), quantize.project_out Linear(48, 16). tokens (B, 3, 4, 4) '
              '= (b, head, h, w). quant = project_out(concat of the chosen codes). decoded = autoencode(input) = '
              'decode_quant(quant); the reference decode_tokens cannot take multi-head tokens (see '
              'reference_decode_tokens), a port decodes tokens by embedding each head, concatenating and applying '
              'project_out, which gives quant.')
    run('rgb_nopostmlp', 55, dict(vit, image_size=32, n_channels=3, patch_size=8, post_mlp=False, out_conv=False,
                                  codebook_size=128, latent_dim=16),
        lambda g: torch.rand(2, 3, 32, 32, generator=g) * 2 - 1,
        notes='ViT VQ-VAE without post_mlp (no norm_mlp / post_mlp keys); input in [-1,1].')
    # Feature maps: cfgs/default/tokenization/vqvae/{CLIP-B16,DINOv2-B14,ImageBind-H14}/ViTB-ViTB_8k_224.yaml: vit_b,
    # post_mlp, lucid 8192 codes of width 32, patch 16 (CLIP) or 14, image 224; n_channels 512 / 768 / 1280
    # (MODALITY_INFO, type feature_map, so patch_proj False: proj is a 1x1 conv, the map is the token grid
    # image_size / patch_size). Tiny: 24 channels, image 56, patch 14 -> a 4x4 map.
    run('featuremap', 56, dict(vit, image_size=56, n_channels=24, patch_size=14, post_mlp=True, out_conv=False,
                               patch_proj=False, codebook_size=128, latent_dim=16),
        lambda g: torch.randn(2, 24, 4, 4, generator=g),
        notes='input: a (B, 24, 4, 4) feature map (standard normal); patch_proj=False: encoder.proj is Conv2d 1x1, '
              'decoder.out_proj Linear(32, 24), pos_emb on the 4x4 grid = image_size/patch_size. decoded: (B,24,4,4).')


if __name__ == '__main__':
    main()
