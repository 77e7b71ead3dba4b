package dev.farewell.servlet.javax;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The built jar holds exactly farewell-servlet's classes of this build, relocated: the same
 * classes, each with the same fields, methods, instructions and constants once {@code
 * jakarta.servlet} reads {@code javax.servlet}. The shade plugin takes the module's own jar as its
 * input, so a jar left by an earlier build used to keep that build's classes (an old drop-in
 * without the newer settings) in an incremental build.
 */
class RelocatedJarIT {

  @Test
  void theJarIsTheRelocationOfThisBuildsFarewellServlet() throws IOException {
    Map<String, String> jakarta = summaries(Path.of(System.getProperty("farewell.servlet.jar")));
    Map<String, String> javax = summaries(Path.of(System.getProperty("farewell.javax.jar")));
    jakarta.remove("module-info.class");
    jakarta.replaceAll((name, summary) ->
        summary.replace("jakarta/servlet/", "javax/servlet/")
            .replace("jakarta.servlet.", "javax.servlet."));

    assertThat(jakarta).isNotEmpty().containsKey("dev/farewell/servlet/FarewellInitializer.class");
    assertThat(javax).isEqualTo(jakarta);
  }

  /** Each class of the jar, as a text of its members and their code. */
  private static Map<String, String> summaries(Path jar) throws IOException {
    Map<String, String> classes = new TreeMap<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : Collections.list(file.entries())) {
        if (entry.getName().endsWith(".class")) {
          try (InputStream in = file.getInputStream(entry)) {
            classes.put(entry.getName(), summary(in.readAllBytes()));
          }
        }
      }
    }
    return classes;
  }

  private static String summary(byte[] bytes) {
    List<String> lines = new ArrayList<>();
    new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public void visit(int version, int access, String name, String signature, String superName,
          String[] interfaces) {
        lines.add("class " + name + " " + superName + " " + String.join(",", interfaces));
      }

      @Override
      public FieldVisitor visitField(int access, String name, String descriptor, String signature,
          Object value) {
        lines.add("field " + name + " " + descriptor + " " + value);
        return null;
      }

      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor,
          String signature, String[] exceptions) {
        lines.add("method " + name + descriptor);
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitInsn(int opcode) {
            lines.add("  " + opcode);
          }

          @Override
          public void visitIntInsn(int opcode, int operand) {
            lines.add("  " + opcode + " " + operand);
          }

          @Override
          public void visitVarInsn(int opcode, int variable) {
            lines.add("  " + opcode + " " + variable);
          }

          @Override
          public void visitTypeInsn(int opcode, String type) {
            lines.add("  " + opcode + " " + type);
          }

          @Override
          public void visitLdcInsn(Object value) {
            lines.add("  ldc " + value);
          }

          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc,
              boolean isInterface) {
            lines.add("  " + opcode + " " + owner + "." + method + desc);
          }

          @Override
          public void visitFieldInsn(int opcode, String owner, String field, String desc) {
            lines.add("  " + opcode + " " + owner + "." + field + " " + desc);
          }
        };
      }
    }, ClassReader.SKIP_DEBUG);
    return String.join("\n", lines);
  }
}
