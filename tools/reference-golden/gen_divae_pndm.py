"""PNDM decodes of the tiny non-zero DiVAE, run through the reference implementation's own PNDM scheduler.

Loads the DiVAE that gen_divae_nonzero.py wrote (divae_rgb_nonzero.safetensors, the same constructor arguments and
tiny presets, imported from that script) into the reference's DiVAE and decodes its golden tokens with
fourm/vq/scheduling/scheduling_pndm.py's PNDMScheduler through DiVAE.decode_tokens (PipelineCond), recording:

  divae_rgb_pndm.io.safetensors
    pndm_init_noise, pndm_timesteps, pndm_decoded    6 steps, the Runge-Kutta warm-up (skip_prk_steps=False, the
                                                     class default), trailing spacing, v-prediction, squared-cosine
                                                     betas; 15 UNet evaluations
    plms_init_noise, plms_timesteps, plms_decoded    5 steps, skip_prk_steps=True (linear multistep only), leading
                                                     spacing with steps_offset=1, scaled-linear betas,
                                                     set_alpha_to_one=False (Stable Diffusion's settings), v-prediction;
                                                     6 UNet evaluations
    pndm_alphas_cumprod                              the first scheduler's alpha-bar table
    pndm_unet_out                                    the UNet's output at each of the first decode's 15 evaluations
                                                     (to replay the sampler alone: its first steps, at alpha-bar 2.4e-9,
                                                     amplify any difference of the UNet's output about a thousandfold)
  divae_rgb_pndm.json                                the scheduler arguments and notes

PNDM is deterministic given the initial noise (its only draw). The tokens are divae_rgb_nonzero.io.safetensors's.

Run (as gen_divae_nonzero.py; the output folder must hold divae_rgb_nonzero.*):
    ML4M_REPO=<export of apple/ml-4m> GOLDEN_SCRIPTS=<reference/golden/tokenizers/scripts> \
        /usr/bin/python3 tools/reference-golden/gen_divae_pndm.py fourm-vq-diffusion/src/test/resources/reference-golden
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_divae_nonzero as base  # noqa: E402  (bootstrap, tiny presets, KWARGS, the safetensors writer)
import st_io  # noqa: E402  (GOLDEN_SCRIPTS' reader)
import torch  # noqa: E402

from fourm.vq.scheduling import PNDMScheduler  # noqa: E402
from fourm.vq.vqvae import DiVAE  # noqa: E402

NAME = 'divae_rgb_pndm'
SCHEDULERS = {
    'pndm': dict(steps=6, seed=41, kwargs=dict(num_train_timesteps=1000, beta_schedule='squaredcos_cap_v2',
                                                   prediction_type='v_prediction', timestep_spacing='trailing',
                                                   skip_prk_steps=False, set_alpha_to_one=False, steps_offset=0),
                 mode='trailing'),
    'plms': dict(steps=5, seed=43, kwargs=dict(num_train_timesteps=1000, beta_schedule='scaled_linear',
                                                   prediction_type='v_prediction', timestep_spacing='leading',
                                                   skip_prk_steps=True, set_alpha_to_one=False, steps_offset=1),
                 mode='leading'),
}


@torch.no_grad()
def decode(model, tokens, spec):
    rec = dict(x_in=[], t=[], out=[])

    def hook(mod, inp, out):
        rec['x_in'].append(inp[0].clone())
        rec['t'].append(int(inp[1]))
        rec['out'].append(out.clone())

    sched = PNDMScheduler(**spec['kwargs'])
    h = model.decoder.register_forward_hook(hook)
    try:
        dec = model.decode_tokens(tokens, timesteps=spec['steps'], scheduler=sched,
                                  generator=torch.Generator().manual_seed(spec['seed']),
                                  scheduler_timesteps_mode=spec['mode'], verbose=False)
    finally:
        h.remove()
    replay = torch.Generator().manual_seed(spec['seed'])
    assert torch.equal(torch.randn(rec['x_in'][0].shape, generator=replay), rec['x_in'][0])
    assert rec['t'] == [int(t) for t in sched.timesteps], (rec['t'], sched.timesteps)
    return dec, rec, sched


@torch.no_grad()
def main():
    out = base.OUT
    model = DiVAE(**base.KWARGS).eval()
    state = {k: torch.from_numpy(v.copy()) for k, v in
             st_io.load_file(os.path.join(out, 'divae_rgb_nonzero.safetensors'))[0].items()}
    model.load_state_dict(state, strict=True)
    tokens = torch.from_numpy(st_io.load_file(os.path.join(out, 'divae_rgb_nonzero.io.safetensors'))[0]['tokens']
                              .copy())
    io = {}
    notes = {}
    for name, spec in SCHEDULERS.items():
        dec, rec, sched = decode(model, tokens, spec)
        io[name + '_init_noise'] = rec['x_in'][0]
        io[name + '_timesteps'] = torch.tensor(rec['t'], dtype=torch.int64)
        io[name + '_decoded'] = dec
        notes[name] = dict(steps=spec['steps'], seed=spec['seed'], mode=spec['mode'], unet_calls=len(rec['t']),
                           timesteps=rec['t'], **spec['kwargs'])
        if name == 'pndm':
            io['pndm_alphas_cumprod'] = sched.alphas_cumprod.float().contiguous()
            io['pndm_unet_out'] = torch.stack(rec['out'])
        print('%s: %d UNet calls at %s, decoded in [%.3f, %.3f]' % (name, len(rec['t']), rec['t'],
                                                                   float(dec.min()), float(dec.max())))
    base.save_safetensors({k: v.contiguous() for k, v in io.items()}, os.path.join(out, NAME + '.io.safetensors'))
    cfg = dict(reference_class='fourm.vq.scheduling.scheduling_pndm.PNDMScheduler', reference_commit=base.REF,
               model='divae_rgb_nonzero', schedulers=notes,
               io={k: dict(shape=list(v.shape), dtype=str(v.dtype).replace('torch.', '')) for k, v in io.items()},
               notes='DiVAE.decode_tokens(tokens, timesteps=steps, scheduler=PNDMScheduler(**kwargs), '
                     'generator=manual_seed(seed), scheduler_timesteps_mode=mode); the initial noise is the only '
                     'draw; *_timesteps are the timesteps of the UNet calls in order; pndm_unet_out[i] is the UNet output '
                     'of call i of the pndm decode.')
    with open(os.path.join(out, NAME + '.json'), 'w') as f:
        json.dump(cfg, f, indent=1)


if __name__ == '__main__':
    main()
