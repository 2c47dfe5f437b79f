/**
 * A dense pseudo-labeler over any TorchScript model ({@code features:torchscript}), run by DJL's PyTorch engine, and
 * {@link fourm.torchscript.TorchScriptArchive}, a writer of small TorchScript modules without Python.
 */
module fourm.torchscript {
    requires transitive fourm.api;
    requires ai.djl.api;

    exports fourm.torchscript;

    provides fourm.api.label.PseudoLabelerProvider with
            fourm.torchscript.TorchScriptProvider;
}
