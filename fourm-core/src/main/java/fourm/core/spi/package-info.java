/**
 * Extension points of the core for plugins that need more than a modality: {@link
 * fourm.core.spi.FourmModuleProvider} contributes Guice bindings to the framework's injector.
 */
package fourm.core.spi;
