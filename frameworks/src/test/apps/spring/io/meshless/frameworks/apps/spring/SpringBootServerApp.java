package io.meshless.frameworks.apps.spring;

import io.meshless.frameworks.apps.Peer;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * An ordinary Spring Boot web application on Tomcat, with no TLS code: its TLS comes from the {@code server.ssl.*} /
 * {@code spring.ssl.bundle.*} settings the test passes as arguments. Only API that Spring Boot 3 and 4 share (the
 * port from {@code local.server.port}: Boot 4 moved {@code WebServerApplicationContext}).
 */
@SpringBootApplication(proxyBeanMethods = false)
@RestController
public class SpringBootServerApp {

    @GetMapping("/")
    String hello(HttpServletRequest request) {
        return Peer.hello(
                "spring-boot", (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate"));
    }

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext context = SpringApplication.run(SpringBootServerApp.class, args);
        int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        Peer.listeningUntilStdinCloses(port);
        SpringApplication.exit(context);
    }
}
