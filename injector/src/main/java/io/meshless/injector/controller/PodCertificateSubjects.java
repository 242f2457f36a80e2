package io.meshless.injector.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;

/**
 * What the API server holds now under the names a PodCertificateRequest gives: its pod, service
 * account and node, each null when absent. The signer compares their UIDs with the request's, so a
 * request outliving a pod, account or node that was replaced under the same name is refused.
 */
record PodCertificateSubjects(Pod pod, ServiceAccount serviceAccount, Node node) {}
