/** The apiVersion of the objects the plugin prints (-o json|yaml): inspections, reports, revisions, summaries. */
export const API_VERSION = 'storage-init.kserve.io/v1alpha1'
