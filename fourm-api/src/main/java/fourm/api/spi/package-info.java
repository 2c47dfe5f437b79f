/**
 * The service interface a modality plugin implements, discovered with {@link java.util.ServiceLoader}.
 */
package fourm.api.spi;
