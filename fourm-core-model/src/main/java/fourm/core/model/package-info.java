/**
 * The 4M encoder-decoder transformer on DJL (PyTorch engine), numerically faithful to the reference: configuration
 * ({@link fourm.core.model.FourMConfig}, size presets, the reference's config keys), parameters keyed by the reference's
 * state-dict names ({@link fourm.core.model.ParameterStore}), the model and its forward pass
 * ({@link fourm.core.model.FourMModel}: encoder and decoder callable separately, differentiable), checkpoints
 * ({@link fourm.core.model.Checkpoints}) and the forward runner behind {@code fourm forward}
 * ({@link fourm.core.model.ForwardRunner}). Modalities are the plugins' {@link fourm.api.ModalitySpec}s: the model
 * embeds and positions their tokens as their {@link fourm.api.TokenLayout} says, and a checkpoint's config finds them
 * in a {@link fourm.core.model.ModalityCatalog} built from the discovered plugins.
 *
 * <p>Shape legend used throughout: B batch, N tokens (encoder or decoder slots), M context tokens (encoder slots seen
 * by cross-attention), D model width, H heads, Dh head width (D / H), F MLP hidden width, V vocabulary, L positions of
 * one modality, K selected rows.
 */
package fourm.core.model;
